import { DeviceName, type Device } from "@tandem/protocol";
import { useState, type FormEvent, type KeyboardEvent } from "react";
import { checkField } from "../auth/fieldError";
import { useServices } from "../AppContext";
import { useAsyncAction } from "../useAsyncAction";

/** Renames a device in place: Enter saves, Escape (or Cancel) leaves the name as it was. */
export function RenameDeviceForm({ device, onClose }: { device: Device; onClose(): void }) {
  const { account } = useServices();
  const [name, setName] = useState(device.name);
  const [invalid, setInvalid] = useState<string | null>(null);
  const rename = useAsyncAction();
  const id = `rename-${device.id}`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = checkField(DeviceName, name, "Give the device a name.");
    setInvalid(checked.ok ? null : checked.error);
    if (!checked.ok) return;
    if (checked.value === device.name) return onClose();
    void rename.run(() => account.renameDevice(device.id, checked.value)).then((ok) => ok && onClose());
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Escape") onClose();
  }

  const error = invalid ?? rename.error;
  return (
    <form className="inline-form" data-testid="rename-form" noValidate onSubmit={submit}>
      <label htmlFor={id} className="sr-only">
        New name for {device.name}
      </label>
      <input
        id={id}
        value={name}
        autoFocus
        maxLength={200}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="secondary" disabled={rename.pending}>
        Save
      </button>
      <button type="button" className="secondary" onClick={onClose}>
        Cancel
      </button>
      {error && (
        <p className="inline-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

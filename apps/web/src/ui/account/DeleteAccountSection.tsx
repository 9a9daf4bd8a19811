import { useEffect, useRef, useState } from "react";
import { DeleteAccountForm } from "./DeleteAccountForm";

/** Deleting is two steps: this button opens the form, which asks for the email typed out and the password. */
export function DeleteAccountSection() {
  const [open, setOpen] = useState(false);
  // Cancelling gives focus back to the button that opened the form.
  const start = useRef<HTMLButtonElement>(null);
  const opened = useRef(false);
  useEffect(() => {
    if (open) opened.current = true;
    else if (opened.current) start.current?.focus();
  }, [open]);
  return (
    <section className="account-section danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete account</h2>
      <p className="section-note">
        This deletes your account and every todo in it, and signs out every device and API token. It can't be undone:
        download your data first if you want to keep it.
      </p>
      {open ? (
        <DeleteAccountForm onCancel={() => setOpen(false)} />
      ) : (
        <button
          type="button"
          className="danger"
          ref={start}
          data-testid="delete-account-start"
          onClick={() => setOpen(true)}
        >
          Delete my account…
        </button>
      )}
    </section>
  );
}

import { useState } from "react";
import { DeleteAccountForm } from "./DeleteAccountForm";

/** Deleting is two steps: this button opens the form, which asks for the email typed out and the password. */
export function DeleteAccountSection() {
  const [open, setOpen] = useState(false);
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
        <button type="button" className="danger" data-testid="delete-account-start" onClick={() => setOpen(true)}>
          Delete my account…
        </button>
      )}
    </section>
  );
}

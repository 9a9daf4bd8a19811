import { EXPORT_URL } from "../../api/accountApi";

/** A plain link: the browser sends the cookie and saves the JSON the server names as an attachment. */
export function ExportSection() {
  return (
    <section className="account-section" aria-labelledby="export-title">
      <h2 id="export-title">Your data</h2>
      <p className="section-note">
        Everything Tandem keeps about you, in one JSON file: your account, your devices and every todo.
      </p>
      <a className="button secondary" href={EXPORT_URL} download data-testid="export-data">
        Download my data
      </a>
    </section>
  );
}

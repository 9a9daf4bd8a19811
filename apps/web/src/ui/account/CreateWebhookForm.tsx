import type { CreateWebhookResponse } from "@tandem/protocol";
import { WEBHOOK_DESCRIPTION_MAX, WEBHOOK_URL_MAX } from "@tandem/protocol";
import { useState, type FormEvent } from "react";
import { ApiError } from "../../api/errors";
import { TextField } from "../auth/TextField";
import { FormAlert } from "../FormAlert";
import { useAsyncAction } from "../useAsyncAction";

/** The server's reason for a refused URL (not https, not a public address…) goes under the field. */
function urlProblem(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== "validation_failed") return null;
  return error.details.find((issue) => issue.path === "url")?.message ?? error.message;
}

/** A URL to deliver to (https) and a description; the server checks the URL and answers with the secret. */
export function CreateWebhookForm({ onCreate }: { onCreate(body: { url: string; description?: string }): Promise<CreateWebhookResponse> }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [urlError, setUrlError] = useState<string | undefined>(undefined);
  const create = useAsyncAction();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = url.trim();
    if (trimmed === "") return setUrlError("Enter the URL to deliver to.");
    if (trimmed.length > WEBHOOK_URL_MAX) return setUrlError(`At most ${WEBHOOK_URL_MAX} characters.`);
    setUrlError(undefined);
    void create.run(async () => {
      try {
        await onCreate(description.trim() === "" ? { url: trimmed } : { url: trimmed, description: description.trim() });
        setUrl("");
        setDescription("");
      } catch (error) {
        const problem = urlProblem(error);
        if (problem === null) throw error;
        setUrlError(problem);
      }
    });
  }

  return (
    <form className="stacked-form" data-testid="create-webhook-form" aria-label="Add a webhook" noValidate onSubmit={submit}>
      <TextField
        id="webhook-url"
        label="Payload URL"
        type="text"
        name="webhook-url"
        autoComplete="off"
        value={url}
        error={urlError}
        hint="An https URL that accepts POST requests."
        onChange={setUrl}
      />
      <TextField
        id="webhook-description"
        label="Description (optional)"
        type="text"
        name="webhook-description"
        autoComplete="off"
        value={description}
        error={description.length > WEBHOOK_DESCRIPTION_MAX ? `At most ${WEBHOOK_DESCRIPTION_MAX} characters.` : undefined}
        onChange={setDescription}
      />
      <FormAlert message={create.error} />
      <button className="primary" type="submit" disabled={create.pending || description.length > WEBHOOK_DESCRIPTION_MAX}>
        {create.pending ? "Adding…" : "Add webhook"}
      </button>
    </form>
  );
}

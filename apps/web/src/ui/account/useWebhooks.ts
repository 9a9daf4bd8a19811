import type { CreateWebhookBody, CreateWebhookResponse, Webhook } from "@tandem/protocol";
import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../../api/errors";
import type { WebhooksApi } from "../../api/webhooksApi";

/** The list as the section shows it: loading, loaded, or why it could not be loaded. */
export type WebhookList = { status: "loading" } | { status: "ready"; webhooks: Webhook[] } | { status: "failed"; error: string };

export interface Webhooks {
  list: WebhookList;
  reload(): Promise<void>;
  create(body: CreateWebhookBody): Promise<CreateWebhookResponse>;
  remove(id: string): Promise<void>;
  enable(id: string): Promise<void>;
}

/**
 * The section's own state: the endpoints, loaded when it mounts and again after each change (and
 * on demand: deliveries happen on the server, so their outcome shows on the next load).
 */
export function useWebhooks(api: WebhooksApi): Webhooks {
  const [list, setList] = useState<WebhookList>({ status: "loading" });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const reload = useCallback(async () => {
    try {
      const webhooks = await api.list();
      if (mounted.current) setList({ status: "ready", webhooks });
    } catch (error) {
      if (mounted.current) setList({ status: "failed", error: errorMessage(error) });
    }
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const then = useCallback(
    <T,>(work: () => Promise<T>) =>
      async (): Promise<T> => {
        const result = await work();
        await reload();
        return result;
      },
    [reload],
  );

  return {
    list,
    reload,
    create: (body) => then(() => api.create(body))(),
    remove: (id) => then(() => api.remove(id))(),
    enable: (id) => then(() => api.enable(id))(),
  };
}

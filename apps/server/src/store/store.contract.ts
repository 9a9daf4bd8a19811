import { describe } from "vitest";
import { describeAccountStores } from "./contract/accounts.contract.js";
import { describeBulkChanges } from "./contract/bulkChanges.contract.js";
import { describeChangeLog } from "./contract/changeLog.contract.js";
import { describeDeviceStores } from "./contract/devices.contract.js";
import { ContractHarness, type MakeStore } from "./contract/harness.js";
import { describeIdempotency } from "./contract/idempotency.contract.js";
import { describeLimiters } from "./contract/limiters.contract.js";
import { describeTodoRules } from "./contract/todoRules.contract.js";
import { describeTodoStorage } from "./contract/todoStorage.contract.js";
import { describeWebhookStorage } from "./contract/webhooks.contract.js";

export type { MakeStore } from "./contract/harness.js";

/**
 * The behaviour every `Store` adapter must have: its narrow interface directly, and the todo
 * rules (`todos/`) running on it, and its rate-limit counters, so one suite proves both adapters
 * behave alike.
 */
export function describeStoreContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    const h = new ContractHarness(make);
    describeAccountStores(h);
    describeDeviceStores(h);
    describeTodoStorage(h);
    describeTodoRules(h);
    describeBulkChanges(h);
    describeChangeLog(h);
    describeLimiters(h);
    describeWebhookStorage(h);
    describeIdempotency(h);
  });
}

import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";
import type { Store, StoreOptions } from "./store/Store.js";

/** MongoDB when MONGODB_URI is set, else the embedded SQLite file under DATA_DIR. */
export async function openStore(config: Config, logger: Logger): Promise<Store> {
  const options: StoreOptions = {
    changeLogLimit: config.CHANGE_LOG_LIMIT,
  };
  let store: Store;
  if (config.MONGODB_URI) {
    // Loaded only when used, so the default set-up never pays for the MongoDB driver.
    const { MongoStore } = await import("./store/MongoStore.js");
    store = new MongoStore({ uri: config.MONGODB_URI, ...options });
  } else {
    mkdirSync(config.DATA_DIR, { recursive: true });
    const { SqliteStore } = await import("./store/SqliteStore.js");
    store = new SqliteStore({
      file: path.join(config.DATA_DIR, "tandem.db"),
      ...options,
      onBackgroundError: (err) => logger.error({ err }, "background WAL checkpoints failed; checkpointing inside commits again"),
    });
  }
  await store.init();
  return store;
}

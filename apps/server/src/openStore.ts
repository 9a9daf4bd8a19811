import path from "node:path";
import type { Config } from "./config.js";
import { ensurePrivateDir } from "./dataDir.js";
import type { Logger } from "./logger.js";
import type { Store } from "./store/Store.js";

/** MongoDB when MONGODB_URI is set, else the embedded SQLite file under DATA_DIR. */
export async function openStore(config: Config, logger: Logger): Promise<Store> {
  let store: Store;
  if (config.MONGODB_URI) {
    // Loaded only when used, so the default set-up never pays for the MongoDB driver.
    const { MongoStore } = await import("./store/mongo/MongoStore.js");
    store = new MongoStore({ uri: config.MONGODB_URI });
  } else {
    ensurePrivateDir(config.DATA_DIR, logger);
    const { SqliteStore } = await import("./store/sqlite/SqliteStore.js");
    store = new SqliteStore({
      file: path.join(config.DATA_DIR, "tandem.db"),
      onBackgroundError: (err) => logger.error({ err }, "background WAL checkpoints failed; checkpointing inside commits again"),
    });
  }
  await store.init();
  return store;
}

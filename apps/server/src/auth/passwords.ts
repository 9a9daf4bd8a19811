import bcrypt from "bcrypt";

/**
 * bcrypt hashing (the native `bcrypt` binding: it runs on libuv's thread pool, so hashing never
 * blocks the event loop). Sign-in compares against a dummy hash of the same cost when the email
 * is unknown, so "no such user" and "wrong password" take about the same time.
 */
export class Passwords {
  private readonly dummy: Promise<string>;

  constructor(private readonly cost: number) {
    this.dummy = bcrypt.hash("tandem-dummy-password", cost);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  /** Always does one full bcrypt comparison, whether or not there is a hash to compare with. */
  async verify(password: string, hash: string | null): Promise<boolean> {
    const ok = await bcrypt.compare(password, hash ?? (await this.dummy));
    return hash !== null && ok;
  }
}

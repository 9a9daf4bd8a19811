/**
 * What every server's client side looks like to the measurements: `users` × `devicesPerUser`
 * connected sockets, a way for device `d` of user `u` to make a write, and a hook the receivers
 * call for each change event they get. Write `k` of a window is made by user `k % users` from
 * device `floor(k / users) % devicesPerUser`, so writers rotate over every user and device.
 *
 * @typedef {object} Population
 * @property {string} name
 * @property {number} users
 * @property {number} devicesPerUser
 * @property {number} socketCount        sockets currently open
 * @property {(user: number, device: number, text: string) => Promise<number>} post
 *   makes the write; resolves to the HTTP status
 * @property {(writeId: number, user: number, device: number) => void} onDelivery
 *   replaced by whoever is measuring; receivers call it with the write id they saw
 */

/** @param {number} k @param {{ users: number, devicesPerUser: number }} population */
export function writerOf(k, population) {
  return { user: k % population.users, device: Math.floor(k / population.users) % population.devicesPerUser };
}

/** The hook while nobody measures: deliveries are dropped. */
export const ignoreDelivery = () => {};

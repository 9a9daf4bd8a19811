/**
 * The version of the socket protocol this package describes. The server sends it with every
 * socket grant (`GET /api/websocket`); a client that speaks another version knows it must update
 * instead of misreading messages. It changes only when a message changes incompatibly (adding an
 * optional field is not such a change).
 */
export const PROTOCOL_VERSION = 1;

import { describe, expect, it } from "vitest";
import { parseRoute, routeHref, type Route } from "./route";

describe("route", () => {
  it("reads each screen's address, and anything else as the list", () => {
    expect(parseRoute("/", "")).toEqual({ name: "todos" });
    expect(parseRoute("/account", "")).toEqual({ name: "account" });
    expect(parseRoute("/account/", "")).toEqual({ name: "account" });
    expect(parseRoute("/forgot-password", "")).toEqual({ name: "forgotPassword" });
    expect(parseRoute("/reset-password", "?token=abc-123")).toEqual({ name: "resetPassword", token: "abc-123" });
    expect(parseRoute("/reset-password", "")).toEqual({ name: "resetPassword", token: "" });
    expect(parseRoute("/no/such/page", "?x=1")).toEqual({ name: "todos" });
  });

  it("writes addresses that read back as the same screen", () => {
    const routes: Route[] = [
      { name: "todos" },
      { name: "account" },
      { name: "forgotPassword" },
      { name: "resetPassword", token: "a+b/c=&d" },
    ];
    for (const route of routes) {
      const url = new URL(routeHref(route), "http://localhost");
      expect(parseRoute(url.pathname, url.search)).toEqual(route);
    }
  });
});

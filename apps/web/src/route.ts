import { PASSWORD_RESET_PAGE_PATH, PASSWORD_RESET_TOKEN_PARAM } from "@tandem/protocol";

/**
 * The screens the address bar can name. The app has few enough that a union and two functions
 * are the whole router: `parseRoute` reads an address, `routeHref` writes one.
 */
export type Route =
  | { readonly name: "todos" }
  | { readonly name: "account" }
  | { readonly name: "forgotPassword" }
  /** The page an emailed reset link opens; `token` is empty when the link lost it. */
  | { readonly name: "resetPassword"; readonly token: string };

export const ACCOUNT_PATH = "/account";
export const FORGOT_PASSWORD_PATH = "/forgot-password";

export const TODOS: Route = { name: "todos" };

export function parseRoute(pathname: string, search: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  switch (path) {
    case ACCOUNT_PATH:
      return { name: "account" };
    case FORGOT_PASSWORD_PATH:
      return { name: "forgotPassword" };
    case PASSWORD_RESET_PAGE_PATH:
      return { name: "resetPassword", token: new URLSearchParams(search).get(PASSWORD_RESET_TOKEN_PARAM) ?? "" };
    default:
      // Unknown paths show the list (the server serves the app for every non-API path).
      return TODOS;
  }
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case "todos":
      return "/";
    case "account":
      return ACCOUNT_PATH;
    case "forgotPassword":
      return FORGOT_PASSWORD_PATH;
    case "resetPassword":
      return `${PASSWORD_RESET_PAGE_PATH}?${new URLSearchParams({ [PASSWORD_RESET_TOKEN_PARAM]: route.token }).toString()}`;
  }
}

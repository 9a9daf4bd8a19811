import { AccountScreen } from "./account/AccountScreen";
import { useAppState } from "./AppContext";
import { AuthScreen } from "./auth/AuthScreen";
import { ForgotPasswordScreen } from "./auth/ForgotPasswordScreen";
import { ResetPasswordScreen } from "./auth/ResetPasswordScreen";
import { Notices } from "./shell/Notices";
import { Splash } from "./shell/Splash";
import { Unreachable } from "./shell/Unreachable";
import { TodoScreen } from "./TodoScreen";

/**
 * Picks the screen from the route and the auth status. The password-reset pages work signed in
 * or out (a reset link may open in any browser); the list and the account page exist only
 * while signed in.
 */
export function App() {
  const status = useAppState((state) => state.authStatus);
  const route = useAppState((state) => state.route);
  return (
    <>
      {route.name === "resetPassword" ? (
        <ResetPasswordScreen key={route.token} token={route.token} />
      ) : route.name === "forgotPassword" ? (
        <ForgotPasswordScreen />
      ) : (
        <>
          {status === "unknown" && <Splash />}
          {status === "unreachable" && <Unreachable />}
          {status === "signedOut" && <AuthScreen />}
          {status === "signedIn" && (route.name === "account" ? <AccountScreen /> : <TodoScreen />)}
        </>
      )}
      <Notices />
    </>
  );
}

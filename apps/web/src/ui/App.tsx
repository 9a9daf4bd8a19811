import { useAppState } from "./AppContext";
import { AuthScreen } from "./auth/AuthScreen";
import { Notices } from "./shell/Notices";
import { Splash } from "./shell/Splash";
import { Unreachable } from "./shell/Unreachable";
import { TodoScreen } from "./TodoScreen";

/** Picks the screen from the auth status; the list exists only while signed in. */
export function App() {
  const status = useAppState((state) => state.authStatus);
  return (
    <>
      {status === "unknown" && <Splash />}
      {status === "unreachable" && <Unreachable />}
      {status === "signedOut" && <AuthScreen />}
      {status === "signedIn" && <TodoScreen />}
      <Notices />
    </>
  );
}

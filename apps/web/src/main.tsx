import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { PROTOCOL_VERSION } from "@tandem/protocol";

function App() {
  return <h1>Tandem (protocol v{PROTOCOL_VERSION})</h1>;
}

const root = document.getElementById("root");
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);

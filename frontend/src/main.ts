// Entry point: the page shell (top bar, nav) and the router.
import "maplibre-gl/dist/maplibre-gl.css";
import "./style.css";
import { pages } from "./pages";
import { startRouter } from "./router";
import { startSession } from "./session";

const APP_NAME = "critmin";

const nav = document.getElementById("nav")!;
const main = document.getElementById("main")!;
startRouter(pages, nav, main, APP_NAME);
void startSession(document.getElementById("account-slot")!);

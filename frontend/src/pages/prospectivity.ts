// Prospectivity page (filled in by the prospectivity feature).
import { h } from "../dom";
import type { Page } from "./types";

export const prospectivityPage: Page = {
  id: "prospectivity",
  title: "Prospectivity",
  path: "/prospectivity",
  render(container: HTMLElement): void {
    container.append(h("div", { class: "page-text" }, h("h1", {}, "Prospectivity")));
  },
};

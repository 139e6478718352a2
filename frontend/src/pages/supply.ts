// Supply chains page (filled in by the supply feature).
import { h } from "../dom";
import type { Page } from "./types";

export const supplyPage: Page = {
  id: "supply",
  title: "Supply chains",
  path: "/supply",
  render(container: HTMLElement): void {
    container.append(h("div", { class: "page-text" }, h("h1", {}, "Supply chains")));
  },
};

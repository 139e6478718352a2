// Economics page (filled in by the economics feature).
import { h } from "../dom";
import type { Page } from "./types";

export const economicsPage: Page = {
  id: "economics",
  title: "Economics",
  path: "/economics",
  render(container: HTMLElement): void {
    container.append(h("div", { class: "page-text" }, h("h1", {}, "Economics")));
  },
};

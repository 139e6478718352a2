// Hash router: `#/<path>?<query>` → the registered page with that path (default: the first page).
import { h } from "./dom";
import type { Page } from "./pages/types";

function parseHash(): { path: string; params: URLSearchParams } {
  const raw = window.location.hash.replace(/^#/, "");
  const [path, query = ""] = raw.split("?", 2);
  return { path: path || "/", params: new URLSearchParams(query) };
}

export function startRouter(pages: Page[], nav: HTMLElement, main: HTMLElement, appName: string): void {
  const links = new Map<string, HTMLAnchorElement>();
  for (const page of pages) {
    const link = h("a", { href: `#${page.path}`, id: `nav-${page.id}`, "data-page": page.id }, page.title);
    links.set(page.id, link);
    nav.append(link);
  }

  let current: Page | null = null;
  let cleanup: (() => void) | void = undefined;
  let generation = 0;
  let ownHash = ""; // the last hash written by a page through setParams (no re-render for it)

  async function route(): Promise<void> {
    const { path, params } = parseHash();
    const page = pages.find((p) => p.path === path);
    if (!page) {
      window.location.replace(`#${pages[0].path}`);
      return;
    }
    if (page === current && window.location.hash === ownHash) return; // the page itself wrote this query
    if (cleanup) cleanup();
    cleanup = undefined;
    current = page;
    const mine = ++generation;
    for (const [id, link] of links) link.classList.toggle("active", id === page.id);
    document.title = `${page.title} · ${appName}`;
    main.replaceChildren();
    main.dataset.page = page.id;
    const context = {
      params,
      setParams(next: URLSearchParams) {
        const query = next.toString();
        ownHash = `#${page.path}${query ? `?${query}` : ""}`;
        history.replaceState(null, "", ownHash);
      },
    };
    try {
      const result = await page.render(main, context);
      if (mine === generation) cleanup = result;
      else if (result) result();
    } catch (error) {
      main.append(h("div", { class: "error-box" }, `Could not show ${page.title}: ${String(error)}`));
      console.error(error);
    }
  }

  window.addEventListener("hashchange", () => void route());
  void route();
}

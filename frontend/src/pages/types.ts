// The contract every page of the UI implements.

export interface PageContext {
  /** Query parameters of the current hash route (e.g. `#/deposits?commodity=Li`). */
  params: URLSearchParams;
  /** Replace the hash query of the current route without re-rendering the page. */
  setParams(params: URLSearchParams): void;
}

export interface Page {
  /** Stable identifier, used for the nav element id and `data-page`. */
  id: string;
  /** Label in the navigation bar and the document title. */
  title: string;
  /** Hash path, e.g. "/deposits". */
  path: string;
  /**
   * Build the page into `container`. May return a cleanup function, called when the user leaves the page.
   */
  render(container: HTMLElement, context: PageContext): void | (() => void) | Promise<void | (() => void)>;
}

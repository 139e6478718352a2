// Web sign-in: the account control in the top bar, and the CSRF token every unsafe request carries.
//
// The session itself is an HttpOnly cookie the page never sees; the server also hands out a CSRF token at
// sign-in (and from /api/auth/me), which `installCsrfFetch` adds as `X-CSRF-Token` to every same-origin
// POST/PUT/PATCH/DELETE made with `fetch`, whichever page makes it.
import { h } from "./dom";

interface Me {
  anonymous?: boolean;
  username?: string;
  organisation?: string;
  role?: string;
  csrf_token?: string;
}

let csrfToken: string | null = null;

export function installCsrfFetch(): void {
  const original = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init: RequestInit = {}) => {
    const method = (init.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
    if (csrfToken && url.origin === window.location.origin && !["GET", "HEAD", "OPTIONS"].includes(method)) {
      const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
      headers.set("X-CSRF-Token", csrfToken);
      init = { ...init, headers };
    }
    return original(input, init);
  };
}

async function whoAmI(): Promise<Me> {
  const r = await fetch("/api/auth/me", { headers: { Accept: "application/json" } });
  return r.ok ? ((await r.json()) as Me) : { anonymous: true };
}

function render(slot: HTMLElement, me: Me): void {
  slot.replaceChildren();
  csrfToken = me.csrf_token ?? null;
  if (me.anonymous || !me.username) {
    const form = h(
      "form",
      { class: "signin", id: "signin-form", hidden: "" },
      h("input", { name: "username", placeholder: "user", autocomplete: "username", required: "", "aria-label": "User name" }),
      h("input", { name: "password", type: "password", placeholder: "password", autocomplete: "current-password", required: "", "aria-label": "Password" }),
      h("button", { type: "submit" }, "Sign in"),
      h("span", { class: "signin-error", id: "signin-error", role: "alert" }),
    ) as HTMLFormElement;
    const open = h("button", { type: "button", class: "account-button", id: "signin-open" }, "Sign in");
    open.addEventListener("click", () => {
      form.hidden = !form.hidden;
      open.hidden = !form.hidden;
      (form.elements.namedItem("username") as HTMLInputElement).focus();
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const data = new FormData(form);
      const r = await fetch("/api/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ username: data.get("username"), password: data.get("password") }),
      });
      if (!r.ok) {
        const err = form.querySelector("#signin-error") as HTMLElement;
        err.textContent = r.status === 401 ? "Wrong user or password" : `Sign-in failed (${r.status})`;
        return;
      }
      render(slot, (await r.json()) as Me);
      window.dispatchEvent(new HashChangeEvent("hashchange")); // re-render the page: more may be visible now
    });
    slot.append(open, form);
    void fetch("/api/ui/config")
      .then((r) => (r.ok ? r.json() : {}))
      .then((cfg: { oidc?: boolean }) => {
        if (cfg.oidc) form.append(h("a", { href: "/api/auth/oidc/login", id: "signin-oidc" }, "Sign in with your organisation"));
      });
    return;
  }
  const out = h("button", { type: "button", class: "account-button", id: "signout" }, "Sign out");
  out.addEventListener("click", async () => {
    await fetch("/api/auth/logout", { method: "POST" });
    render(slot, { anonymous: true });
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  });
  slot.append(
    h("span", { class: "account", id: "account", title: `role: ${me.role}` }, `${me.username} · ${me.organisation}`),
    out,
  );
}

export async function startSession(slot: HTMLElement): Promise<void> {
  installCsrfFetch();
  render(slot, await whoAmI().catch(() => ({ anonymous: true })));
}

// The page registry: the one place where pages are added to the UI.
// A later feature adds a page by writing a module that exports a `Page` and listing it here;
// the nav bar and the hash router are built from this list. The first page is the default route.
import type { Page } from "./types";
import { depositsPage } from "./deposits";
import { aboutPage } from "./about";
import { assessmentPage } from "./assessment";
import { geochemPage } from "./geochem";
import { prospectivityPage } from "./prospectivity";
import { economicsPage } from "./economics";
import { supplyPage } from "./supply";
import { workflowPage } from "./workflow";

export type { Page, PageContext } from "./types";

export const pages: Page[] = [
  depositsPage,
  prospectivityPage,
  geochemPage,
  assessmentPage,
  economicsPage,
  supplyPage,
  workflowPage,
  aboutPage,
];

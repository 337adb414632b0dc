/**
 * What a page says, read in the browser: every visible text node (and select option, title
 * and placeholder) outside what is marked `translate="no"` (data: ID numbers, names, file names,
 * codes people typed), checked against the page's language. In Chinese, a run of Latin letters
 * is an untranslated string; in English, a Chinese character is. Plus the labels the console
 * looked for and did not have, and tables cut off without a way to scroll.
 */
import type { Page } from 'playwright-core';

/** Words that are the same in both languages: standards, units, formats. */
const SAME_IN_BOTH = ['CSV', 'API', 'GB', 'ID', 'USCC', 'sha256', 'JSON', 'SQL', 'OK'];

export interface PageCheck {
  untranslated: string[];
  missingLabels: string[];
  clippedTables: string[];
  overflowsPage: boolean;
}

export async function checkRendered(page: Page, lang: 'zh' | 'en'): Promise<PageCheck> {
  // Plain JavaScript sent as text: the test runner's transpiler would add helpers the page does not have.
  return page.evaluate(`(({ lang, same }) => {
    const texts = [];
    const skip = (el) => !el || el.closest('[translate="no"], script, style, noscript, [hidden]') !== null;
    const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 || r.height > 0 || el.closest('select') !== null || el.closest('details') !== null; };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      const text = (node.textContent ?? '').trim();
      if (!text || skip(el) || (el && !visible(el))) continue;
      texts.push(text);
    }
    for (const el of document.querySelectorAll('[title], [placeholder], [aria-label]')) {
      if (skip(el) || el.tagName === 'svg') continue;
      for (const name of ['title', 'placeholder', 'aria-label']) { const v = el.getAttribute(name); if (v) texts.push(v); }
    }
    const strip = (text) => same.reduce((s, word) => s.split(word).join(''), text);
    const untranslated = texts.filter((text) => (lang === 'zh' ? /[A-Za-z]{2,}/.test(strip(text)) : /[\u3400-\u9fff]/.test(text)));
    const clippedTables = [...document.querySelectorAll('.table-block')].filter((block) => {
      const scroll = block.querySelector('.scroll');
      if (!scroll) return false;
      const overflowing = scroll.scrollWidth > scroll.clientWidth + 1;
      const scrolls = getComputedStyle(scroll).overflowX === 'auto' || getComputedStyle(scroll).overflowX === 'scroll';
      return overflowing && (!scrolls || block.dataset.overflow !== 'true');
    }).map((block) => block.dataset.table ?? '?');
    const missing = globalThis.dxMissingLabels;
    return {
      untranslated: [...new Set(untranslated)],
      missingLabels: missing ? [...missing] : [],
      clippedTables,
      overflowsPage: document.documentElement.scrollWidth > window.innerWidth + 1,
    };
})(${JSON.stringify({ lang, same: SAME_IN_BOTH })})`) as Promise<PageCheck>;
}

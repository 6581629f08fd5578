// Markdown as Discord shows it, for previews in the panel (FAQ answers). markdown-it is safe by
// default: raw HTML is shown as text and javascript:, vbscript: and data: links are not made links.
// `breaks` keeps single line breaks, as Discord does; `linkify` turns bare URLs into links.
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt('default', { html: false, linkify: true, breaks: true });
md.disable(['table', 'image']); // Discord renders neither.

// Links open outside the panel and tell the target nothing about it.
const defaultLink = md.renderer.rules.link_open ?? ((tokens, i, options, _env, self) => self.renderToken(tokens, i, options));
md.renderer.rules.link_open = (tokens, i, options, env, self) => {
  tokens[i]!.attrSet('target', '_blank');
  tokens[i]!.attrSet('rel', 'noopener noreferrer nofollow');
  return defaultLink(tokens, i, options, env, self);
};

/** The HTML of a Markdown text, safe to insert into the page. */
export function renderMarkdown(text: string): string {
  return md.render(text);
}

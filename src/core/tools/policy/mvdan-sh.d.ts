/** Minimal typing of mvdan-sh (mvdan/sh's syntax package compiled to JS with GopherJS). */
declare module 'mvdan-sh' {
  interface MvdanSyntax {
    NewParser(...options: unknown[]): {Parse(src: string, name: string): Record<string, unknown>}
    NodeType(node: unknown): string
    Walk(node: unknown, visit: (node: Record<string, unknown> | null) => boolean): void
    Variant(lang: unknown): unknown
    LangBash: unknown
  }
  const sh: {syntax: MvdanSyntax}
  export default sh
}

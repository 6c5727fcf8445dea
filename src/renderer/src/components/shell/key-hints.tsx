/** The keyboard map, always visible in the footer: a desk learns it by reading it. */
export function KeyHints() {
  return (
    <footer className="footer" data-testid="key-hints">
      <span><kbd>1</kbd>-<kbd>5</kbd> views</span>
      <span><kbd>/</kbd> filter</span>
      <span><kbd>j</kbd>/<kbd>k</kbd> move</span>
      <span><kbd>Enter</kbd> open instrument</span>
      <span><kbd>a</kbd> acknowledge</span>
      <span><kbd>s</kbd> re-sort</span>
      <span><kbd>Space</kbd> replay play/pause</span>
      <span><kbd>Esc</kbd> close / leave field</span>
    </footer>
  );
}

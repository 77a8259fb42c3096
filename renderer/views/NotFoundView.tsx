export function NotFoundView({ path }: { path: string }) {
  return (
    <article className="view" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">No such view</h1>
        <p className="lede">
          There is no view at <code>#{path}</code>. Pick one from the navigation, or go to <a href="#/">Evidence &amp; audit</a>.
        </p>
      </header>
    </article>
  );
}

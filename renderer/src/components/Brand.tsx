/** The Beacon mark and name, shared by the tray and the dashboard headers. */
export function Brand() {
  return (
    <div className="brand">
      <span className="brand-mark" aria-hidden="true">
        B
      </span>
      <h1>Beacon</h1>
    </div>
  );
}

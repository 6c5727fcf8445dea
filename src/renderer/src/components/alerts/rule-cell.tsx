/**
 * An alert's rule, and for a feed alert its words beside it (seconds down,
 * gaps in the window need them): the one free text of an alert row that may
 * end in an ellipsis, with the whole of it in its title.
 */
export function RuleCell({ rule, detail, title, testId }: { rule: string; detail: string | null | undefined; title: string; testId?: string }) {
  return (
    <td className="txt" title={title} data-testid={testId}>
      {rule}
      {detail ? (
        <>
          <span className="muted"> · </span>
          <span className="muted clip-text" title={detail}>
            {detail}
          </span>
        </>
      ) : null}
    </td>
  );
}

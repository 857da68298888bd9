/** What the Docker Engine API's errors (through dockerode) say, for the docker and swarm runtimes. */

export const statusCode = (error: unknown): number | undefined => (error as { statusCode?: number }).statusCode;

/** The engine's own words, without dockerode's "(HTTP code 500) server error - " in front. */
export const engineMessage = (error: unknown): string => {
  const json = (error as { json?: { message?: string } }).json;
  return (json?.message ?? (error as Error).message).replace(/^\(HTTP code \d+\)[^-]*- /, '').trim();
};

/** A catch handler that lets the errors of these HTTP statuses pass (a thing gone already, say) and throws the rest. */
export const ignoring =
  (...codes: number[]) =>
  (error: unknown): void => {
    if (!codes.includes(statusCode(error) ?? 0)) throw error;
  };

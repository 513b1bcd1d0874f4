// A one-entry memo for questions about a whole file's source: rules ask them at every match, and
// matches come file by file (a regex over the source per match cost ~1 % of a scan).
export function rememberLast<T>(fn: (source: string) => T): (source: string) => T {
  let last: string | undefined;
  let answer: T;
  return (source) => {
    if (source !== last) {
      answer = fn(source);
      last = source;
    }
    return answer;
  };
}

// A one-entry memo for answers about a whole file's source: they are asked again and again while
// one file is matched (per match by rules, per step by the engine), and files come one at a time.
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

/**
 * Answers for mocked calls that must be in flight together: each answer waits until every one of the
 * `names` has been called, and fails after `ms` when one never is (the calls went one after another).
 */
export function together<T>(names: string[], answer: (name: string) => T, ms = 500): (name: string) => Promise<T> {
  const called = new Set<string>();
  const waiting: (() => void)[] = [];
  return (name) =>
    new Promise<T>((resolve, reject) => {
      called.add(name);
      const done = () => resolve(answer(name));
      if (names.every((n) => called.has(n))) {
        waiting.splice(0).forEach((wake) => wake());
        done();
        return;
      }
      const timer = setTimeout(() => reject(new Error(`${name} was alone in flight: ${names.filter((n) => !called.has(n)).join(', ')} not called meanwhile`)), ms);
      waiting.push(() => {
        clearTimeout(timer);
        done();
      });
    });
}

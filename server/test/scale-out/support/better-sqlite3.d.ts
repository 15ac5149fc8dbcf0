// better-sqlite3 ships no types and @types/better-sqlite3 is not installed; the e2e tests need only this.
declare module 'better-sqlite3' {
  interface Statement {
    all(...parameters: unknown[]): unknown[];
  }
  class Database {
    constructor(file: string);
    pragma(source: string, options?: { simple?: boolean }): unknown;
    prepare(source: string): Statement;
    close(): void;
  }
  export default Database;
}

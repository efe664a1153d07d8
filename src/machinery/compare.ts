// Go's string order (bytewise; UTF-16 code units agree for everything Kubernetes names hold), which Kubernetes sorts
// by. Not localeCompare: ICU collation orders differently ("B" < "a" bytewise) and pulls ICU's data into memory.
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

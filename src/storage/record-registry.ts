/** What the admin API, seed and provider need of a registry of records keyed by one id (client id, resource identifier). */
export interface RecordRegistry<T> {
  get(id: string): Promise<T | undefined>;
  list(): Promise<T[]>;
  /** Writes only when the id is free; false when it was taken. */
  create(record: T): Promise<boolean>;
  save(record: T): Promise<void>;
  delete(id: string): Promise<boolean>;
}

import test from 'ava';

import { createMemoryStorage } from '../../src/storage/memory-storage.ts';
import { storageContract } from './storage-contract.ts';

const storage = createMemoryStorage();
test.after.always(() => storage.close());

storageContract(test, () => storage);

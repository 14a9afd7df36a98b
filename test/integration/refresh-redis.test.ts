import { refreshSuite } from './refresh.suite.ts';

refreshSuite('redis');

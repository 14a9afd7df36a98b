import { refreshSuite } from './refresh.suite.ts';

refreshSuite('memory');

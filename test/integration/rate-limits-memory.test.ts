import { rateLimitSuite } from './rate-limits.suite.ts';

rateLimitSuite('memory');

import { introspectionRevocationSuite } from './introspection-revocation.suite.ts';

introspectionRevocationSuite('memory');

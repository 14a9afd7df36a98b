import { deviceFlowSuite } from './device-flow.suite.ts';

deviceFlowSuite('redis');

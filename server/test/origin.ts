/** The origin test requests and sockets come from: the app's own (PUBLIC_ORIGIN in tests). */
export const TEST_ORIGIN = 'http://localhost:3000';

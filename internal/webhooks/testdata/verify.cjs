// Verifies Roster's webhook deliveries with the Standard Webhooks reference
// library (npm standardwebhooks, pinned in package-lock.json), independently
// of Roster's own Go signing code. Reads {secret, deliveries: [{headers,
// body}]} as JSON on stdin; prints each verified payload's type, and exits
// non-zero on the first delivery that does not verify.
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { secret, deliveries } = JSON.parse(input);
  const wh = new Webhook(secret);
  for (const d of deliveries) {
    try {
      const payload = wh.verify(d.body, d.headers);
      console.log(payload.type);
    } catch (err) {
      console.error(`verification failed: ${err.message}`);
      process.exit(1);
    }
  }
});

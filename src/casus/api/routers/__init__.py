"""One router a resource: cases, organizations, accounts, exercises, and the event stream."""

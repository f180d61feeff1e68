// The check-in page a scanned QR code opens: submit its one-button form at once, so a
// member with JavaScript checks in without a tap (without JavaScript, the button works).
(function () {
  "use strict";
  const form = document.getElementById("checkin-form");
  if (!form || form.dataset.autoSubmit !== "1") return;
  const button = form.querySelector("[type=submit]");
  if (button) button.disabled = true; // no second submission while this one is on its way
  // The prototype's submit(): a control named "submit" would shadow form.submit.
  HTMLFormElement.prototype.submit.call(form);
})();

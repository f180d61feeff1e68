// The session page's "select all" box for marking many members at once (hidden without
// JavaScript: each member's box still works). It ticks or clears every member's box and
// shows "some" (indeterminate) when only part of them are ticked.
(function () {
  "use strict";
  const all = document.getElementById("select-all");
  if (!all) return;
  const boxes = Array.from(document.querySelectorAll('input[name="usernames"][form="mark-many"]'));
  function sync() {
    const ticked = boxes.filter((box) => box.checked).length;
    all.checked = ticked > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  all.hidden = false;
  all.addEventListener("change", () => {
    boxes.forEach((box) => { box.checked = all.checked; });
    sync();
  });
  boxes.forEach((box) => box.addEventListener("change", sync));
  sync();
})();

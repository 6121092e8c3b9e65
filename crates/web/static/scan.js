// Live camera scanning for the verify page: frames go to the server, which finds and checks the QR code.
// Without a camera (or without permission) the page keeps working with photo upload and pasted text.
(function () {
  var btn = document.getElementById("scan-start");
  if (!btn) return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.fetch) return;
  btn.hidden = false;
  btn.addEventListener("click", function () {
    var video = document.getElementById("scan-video");
    var status = document.getElementById("scan-status");
    var form = document.getElementById("verify-form");
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        btn.hidden = true;
        status.textContent = status.getAttribute("data-scanning");
        var canvas = document.createElement("canvas");
        var done = false;
        var tick = function () {
          if (done) return;
          if (!video.videoWidth) return setTimeout(tick, 200);
          var scale = Math.min(1, 1000 / Math.max(video.videoWidth, video.videoHeight));
          canvas.width = Math.round(video.videoWidth * scale);
          canvas.height = Math.round(video.videoHeight * scale);
          canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
          canvas.toBlob(function (blob) {
            var data = new FormData(form);
            data.set("text", "");
            data.set("photo", blob, "frame.jpg");
            fetch("/verify/frame", { method: "POST", body: data, credentials: "same-origin" })
              .then(function (res) {
                if (res.status === 204) return setTimeout(tick, 300);
                done = true;
                stream.getTracks().forEach(function (t) { t.stop(); });
                return res.text().then(function (html) {
                  document.open();
                  document.write(html);
                  document.close();
                });
              })
              .catch(function () { setTimeout(tick, 1000); });
          }, "image/jpeg", 0.9);
        };
        video.play().then(tick, tick);
      })
      .catch(function () {
        status.textContent = status.getAttribute("data-denied");
      });
  });
})();

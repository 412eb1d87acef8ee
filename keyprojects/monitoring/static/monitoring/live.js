// Plays each camera's HLS live view with hls.js (served locally), or natively where the
// browser plays HLS itself (Safari).
document.querySelectorAll("video.live-view").forEach(function (video) {
  var src = video.dataset.src;
  if (window.Hls && window.Hls.isSupported()) {
    var hls = new window.Hls({ liveDurationInfinity: true });
    hls.loadSource(src);
    hls.attachMedia(video);
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = src;
  }
});

// The scan is sent: forget the answers kept in this browser while it was being filled in.
// A file, not an inline script, because of the Content-Security-Policy.
try {
  Object.keys(localStorage).forEach(function (key) {
    if (key.indexOf("leerkoers-scan-") === 0) localStorage.removeItem(key);
  });
} catch (error) {}  // storage switched off: nothing was kept

// Added to each page by the Content Security Policy's browser test: every refusal goes to the console.
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Refused to apply " + event.violatedDirective + " " + event.blockedURI + " " + (event.sample || ""));
});

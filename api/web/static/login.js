"use strict";

document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, document.getElementById("token").value.trim());
  try {
    const me = await fp.api("/me");
    location.href = me.role === "engineer" ? "/day" : me.role === "planner" ? "/planner" : "/board";
  } catch (error) {
    sessionStorage.removeItem(TOKEN_KEY);
    fp.message("That token is not valid.", "error");
  }
});

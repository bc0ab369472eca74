import { NavLink, useParams } from "react-router";
import Faqs from "./Faqs";
import Playbooks from "./Playbooks";
import Tools from "./Tools";

export default function Knowledge() {
  const { kind = "tools" } = useParams();
  return (
    <section>
      <h1>Knowledge</h1>
      <nav aria-label="Knowledge" className="tabs">
        <NavLink to="/knowledge/tools" className={() => (kind === "tools" ? "active" : "")}>Tools</NavLink>
        <NavLink to="/knowledge/playbooks">Playbooks</NavLink>
        <NavLink to="/knowledge/faqs">FAQs</NavLink>
      </nav>
      {kind === "playbooks" ? <Playbooks /> : kind === "faqs" ? <Faqs /> : <Tools />}
    </section>
  );
}
